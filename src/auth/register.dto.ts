import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsString, Length, Matches, MaxLength } from 'class-validator';
import { PASSWORD_MAX } from './password.util';

export class RegisterDto {
  @ApiProperty({ example: '14521450', description: 'AGS of the town from the official directory' })
  @Matches(/^\d{8}$/, { message: 'ags must be an 8-digit official municipality key (AGS)' })
  ags: string;

  @ApiProperty({ example: 'buergermeister@olbernhau.de' })
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 10 })
  @IsString()
  @MaxLength(PASSWORD_MAX)
  password: string;

  @ApiProperty({ example: 'Jörg Klaus' })
  @IsString()
  @Length(2, 120, { message: 'displayName must be 2 to 120 characters long' })
  displayName: string;

  @ApiProperty({ enum: ['mayor', 'deputy', 'staff'] })
  @IsIn(['mayor', 'deputy', 'staff'], { message: 'contactFunction must be one of mayor, deputy, staff' })
  contactFunction: 'mayor' | 'deputy' | 'staff';
}

export class ConfirmDto {
  @ApiProperty()
  @IsString()
  @Length(20, 100, { message: 'token is malformed' })
  token: string;
}

export class LoginDto {
  @ApiProperty() @IsEmail() email: string;
  @ApiProperty() @IsString() @MaxLength(PASSWORD_MAX) password: string;
}
