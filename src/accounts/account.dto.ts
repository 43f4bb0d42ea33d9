import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';
import { PASSWORD_MAX } from '../auth/password.util';

export class ResetRequestDto {
  @ApiProperty() @IsEmail({}, { message: 'email must be a valid email address' }) @MaxLength(254) email: string;
}

export class ResetPasswordDto {
  @ApiProperty() @IsString() @Length(20, 100, { message: 'token is malformed' }) token: string;
  @ApiProperty({ minLength: 10 }) @IsString() @MaxLength(PASSWORD_MAX) password: string;
}

export class ChangePasswordDto {
  @ApiProperty() @IsString() @MaxLength(PASSWORD_MAX) currentPassword: string;
  @ApiProperty({ minLength: 10 }) @IsString() @MaxLength(PASSWORD_MAX) newPassword: string;
}

export class ChangeEmailDto {
  @ApiProperty() @IsString() @MaxLength(PASSWORD_MAX) currentPassword: string;
  @ApiProperty() @IsEmail({}, { message: 'newEmail must be a valid email address' }) @MaxLength(254) newEmail: string;
}

export class TokenDto {
  @ApiProperty() @IsString() @Length(20, 100, { message: 'token is malformed' }) token: string;
}
